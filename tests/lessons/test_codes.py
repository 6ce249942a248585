"""Join codes and participant tokens."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from training_app.lessons import codes

code_strategy = st.text(
    alphabet=codes.ALPHABET, min_size=codes.CODE_LENGTH, max_size=codes.CODE_LENGTH
)


def test_alphabet_has_no_look_alikes():
    for ambiguous in "01OIL":
        assert ambiguous not in codes.ALPHABET
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)


def test_code_space_cannot_be_guessed_in_practice():
    # At the failed-attempt limit (40 a minute) all day, with a thousand live sessions,
    # an address guesses any code with a chance under 1 in 10,000.
    per_day = 400
    assert per_day * 1000 / codes.code_space() < 1e-4
    assert math.log2(codes.code_space()) > 39


def test_new_codes_are_well_formed_and_differ():
    drawn = {codes.new_join_code() for _ in range(500)}
    assert len(drawn) == 500
    assert all(codes.normalise_code(c) == c for c in drawn)


@given(code_strategy)
def test_typed_forms_normalise_back(code):
    assert codes.normalise_code(codes.display_code(code)) == code
    assert codes.normalise_code(code.lower()) == code
    assert codes.normalise_code(" " + code[:3] + " " + code[3:] + " ") == code


@given(st.text(max_size=12))
def test_anything_else_is_refused_or_valid(text):
    result = codes.normalise_code(text)
    assert result is None or (
        len(result) == codes.CODE_LENGTH and set(result) <= set(codes.ALPHABET)
    )


def test_ambiguous_characters_are_refused():
    assert codes.normalise_code("ABCD-EFG0") is None
    assert codes.normalise_code("ABCDEFGI") is None
    assert codes.normalise_code("ABCDEFG") is None


def test_tokens_are_random_and_only_hashes_are_comparable():
    token = codes.new_participant_token()
    assert len(token) >= 43 and token != codes.new_participant_token()
    assert codes.token_hash(token) == codes.token_hash(token)
    assert len(codes.token_hash(token)) == 64 and token not in codes.token_hash(token)


def test_form_token_is_bound_to_participant_and_secret():
    token = codes.new_participant_token()
    good = codes.form_token("secret", token)
    assert codes.form_token_ok("secret", token, good)
    assert not codes.form_token_ok("other", token, good)
    assert not codes.form_token_ok("secret", codes.new_participant_token(), good)
    assert not codes.form_token_ok("secret", token, "")
