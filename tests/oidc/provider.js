// A certified OpenID Provider (panva's oidc-provider) for the OIDC sign-in tests, on loopback.
// Configuration comes as JSON in the environment variable WUYI_TEST_OIDC (written by the pytest
// fixture in tests/oidc/provider.py):
//   { "port": 4000, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//     "users": { "<login>": { "<claim>": value, ... } } }
// Sign-in uses oidc-provider's development interactions (a login form, then a consent form): any
// password is accepted for a known login; an unknown login cannot sign in. Claims of the scope
// "wuyi" (wuyi_tenant, wuyi_role, wuyi_scope) are put in the ID token. Signs with a fresh RSA
// key each run. Prints "ready <issuer>" once it listens.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.WUYI_TEST_OIDC);
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
    ...c,
  })),
  jwks: { keys: [jwk] },
  claims: {
    openid: ["sub"],
    profile: ["name", "preferred_username"],
    wuyi: ["wuyi_tenant", "wuyi_role", "wuyi_scope"],
  },
  conformIdTokenClaims: false, // scope claims in the ID token, not only at userinfo
  pkce: { required: () => true },
  cookies: { keys: [randomUUID()] },
  findAccount: (ctx, id) => {
    const claims = config.users[id];
    return claims && { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.proxy = false;
const server = provider.listen(config.port, "127.0.0.1", () => console.log(`ready ${issuer}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
