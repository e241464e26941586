// Whether this deployment signs in through OpenID Connect (distributed mode): the public
// GET /auth/v1/oidc answers there and nowhere else.
import { api } from "./api.js";

let known = null;

export async function oidcEnabled() {
  if (known === null) {
    try { known = Boolean((await api("/auth/v1/oidc")).enabled); }
    catch { known = false; }
  }
  return known;
}
