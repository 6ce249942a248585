// A real OpenID Connect provider (the certified `oidc-provider`) for the sign-in tests.
// Started by tests/sso/harness.py with a generated JSON config: issuer, signing keys,
// clients and accounts. Its only page of its own is a plain sign-in form (email and
// password), so both a browser and the Python tests can sign in; consent is implied, as
// for an organisation's own apps in Microsoft Entra ID or Google Workspace.
import fs from "node:fs";
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts; // by email, as typed at the sign-in form
const bySubject = Object.fromEntries(
  Object.values(accounts).map((account) => [account.sub, account]),
);

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, error) {
  const problem = error
    ? `<p role="alert" class="error">${escape(error)}</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Sign in - Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>${problem}
<form method="post" action="/interaction/${escape(uid)}">
<p><label for="login">Work email</label><br><input id="login" name="login" type="email" autocomplete="username"></p>
<p><label for="password">Provider password</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Sign in to the provider</button></p>
</form></main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: config.cookieKeys },
  claims: {
    // How and when the person signed in travel with `sub`, as Entra ID's `amr` does.
    openid: ["sub", "amr", "auth_time"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // The ID token carries email and name itself, as Entra ID's and Google's do.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: {
    IdToken: config.idTokenTtl || 3600,
    AccessToken: 3600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = bySubject[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: account.sub, ...account.claims };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const grantId =
      ctx.oidc.result?.consent?.grantId ||
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await Grant.find(grantId);
      if (found) return found;
    }
    const grant = new Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

const oidc = provider.callback();

const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split("?")[0]);
  if (!match) return oidc(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(page(details.uid));
    }
    const form = await readForm(req);
    const login = (form.get("login") || "").trim().toLowerCase();
    const account = accounts[login];
    if (!account || account.password !== form.get("password")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(page(details.uid, "Unknown email or wrong password."));
    }
    const result = { login: { accountId: account.sub, amr: account.amr } };
    return await provider.interactionFinished(req, res, result, {
      mergeWithLastSubmission: false,
    });
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain" });
    return res.end(String(error));
  }
});

server.listen(config.port, "127.0.0.1", () => {
  process.stdout.write(`listening ${config.issuer}\n`);
});
