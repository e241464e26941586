// Who is signed in, shared by every page.
import { reactive } from "vue";
import { api } from "./api.js";

export const session = reactive({ user: null, checked: false });

export async function loadSession() {
  try { session.user = await api("/auth/v1/session"); }
  catch { session.user = null; }
  session.checked = true;
  return session.user;
}

export async function signIn(tenant, username, password) {
  session.user = await api("/auth/v1/sign-in", { method: "POST", body: { tenant, username, password } });
  return session.user;
}

export async function signOut() {
  const done = await api("/auth/v1/sign-out", { method: "POST" });
  session.user = null;
  // OpenID Connect: sign out at the identity provider too (it asks the user to confirm)
  if (done && done.end_session_url) window.location.assign(done.end_session_url);
}

export function homeOf(user) {
  if (!user) return "/";
  const homes = { grid_member: "/grid", county_admin: "/users", township_reviewer: "/review",
    county_evaluator: "/county/evaluation", entity_admin: "/applicant" };
  if (user.sign_in === "oidc") delete homes.county_admin; // users live at the identity provider
  return homes[user.role] || "/";
}
