"""Quiz graph checks: dangling links, unreachable nodes, and paths that never reach `end`."""

from __future__ import annotations

from collections.abc import Iterator

from training_app.content.model import END, Node, Problem, Quiz


def next_node_id(node: Node, selected: tuple[str, ...]) -> str:
    """Where the quiz goes after this answer: the chosen choice's next, else the node's."""
    if node.select == "one" and len(selected) == 1:
        chosen = node.choice(selected[0]).next
        if chosen is not None:
            return chosen
    if node.next is None:
        raise ValueError(f"node '{node.id}' has no next for {selected!r}")
    return node.next


def edges(node: Node) -> Iterator[tuple[str, str]]:
    """Every (field, target) link out of a node, as authored."""
    if node.next is not None:
        yield "next", node.next
    for choice in node.choices:
        if choice.next is not None:
            yield f"choices[{choice.id}].next", choice.next


def check_graph(quiz: Quiz) -> list[Problem]:
    """Report dangling links, unreachable nodes, dead ends and cycles without an exit."""
    problems: list[Problem] = []

    def problem(node: str, field: str, message: str, hint: str = "") -> None:
        problems.append(Problem(quiz.file, node, field, message, hint))

    targets: dict[str, set[str]] = {}
    dangling: set[str] = set()
    for node in quiz.nodes.values():
        targets[node.id] = set()
        if node.is_question and node.next is None and any(c.next is None for c in node.choices):
            missing = ", ".join(c.id for c in node.choices if c.next is None)
            problem(
                node.id,
                "next",
                f"choice(s) {missing} lead nowhere",
                "give the node a next, or each choice its own",
            )
            dangling.add(node.id)
        for field, target in edges(node):
            if target == END or target in quiz.nodes:
                targets[node.id].add(target)
            else:
                problem(
                    node.id, field, f"next '{target}' is not a node", f"use a node id or '{END}'"
                )
                dangling.add(node.id)
    if quiz.start and quiz.start not in quiz.nodes:
        problem("", "start", f"start node '{quiz.start}' does not exist")
    # Without a valid start every node would look unreachable: one problem is enough.
    reachable = _reachable(quiz.start, targets) if quiz.start in quiz.nodes else set(quiz.nodes)
    for node_id in quiz.nodes:
        if node_id not in reachable:
            problem(
                node_id,
                "",
                "unreachable from the start node",
                "link to it with a next, or delete it",
            )
    # A dangling link is reported once, above; counting it as a way out keeps every node
    # upstream of it from being reported as a dead end too.
    ending = _reaching_end(targets, dangling)
    stuck = [node_id for node_id in quiz.nodes if node_id not in ending]
    in_cycle: set[str] = set()
    for component in _cycles(stuck, targets):
        in_cycle.update(component)
        problem(
            component[0],
            "next",
            "cycle without an exit: " + ", ".join(component),
            f"give one of these nodes a path to '{END}'",
        )
    for node_id in stuck:
        if node_id not in in_cycle and node_id not in dangling:
            problem(node_id, "next", f"no path from this node reaches '{END}'")
    return problems


def _reachable(start: str, targets: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start] if start in targets else []
    while todo:
        node_id = todo.pop()
        if node_id not in seen:
            seen.add(node_id)
            todo.extend(t for t in targets[node_id] if t in targets)
    return seen


def _reaching_end(targets: dict[str, set[str]], exits: set[str]) -> set[str]:
    sources: dict[str, set[str]] = {}
    for node_id, outs in targets.items():
        for target in outs:
            sources.setdefault(target, set()).add(node_id)
    seen: set[str] = set(exits)
    todo = [END, *exits]
    while todo:
        for source in sources.get(todo.pop(), ()):
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def _cycles(nodes: list[str], targets: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of `nodes` that loop (Tarjan), each sorted by id."""
    inside = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node_id: str) -> None:
        # Quizzes are small (tens of nodes), so recursion depth is no concern.
        index[node_id] = low[node_id] = len(index)
        stack.append(node_id)
        on_stack.add(node_id)
        for target in sorted(targets[node_id] & inside):
            if target not in index:
                visit(target)
                low[node_id] = min(low[node_id], low[target])
            elif target in on_stack:
                low[node_id] = min(low[node_id], index[target])
        if low[node_id] == index[node_id]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node_id:
                    break
            if len(component) > 1 or node_id in targets[node_id]:
                found.append(sorted(component))

    for node_id in sorted(inside):
        if node_id not in index:
            visit(node_id)
    return found
