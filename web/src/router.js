import { createRouter, createWebHashHistory } from "vue-router";
import PublicLists from "./pages/PublicLists.vue";
import SignIn from "./pages/SignIn.vue";
import GridReport from "./pages/GridReport.vue";
import Users from "./pages/Users.vue";
import Review from "./pages/Review.vue";
import Completeness from "./pages/charts/Completeness.vue";
import CountyCharts from "./pages/charts/CountyCharts.vue";
import FlagMap from "./pages/charts/FlagMap.vue";
import { session, loadSession } from "./session.js";

// Hash history: every route is the one index.html the server has, no fallback rules needed.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/", component: PublicLists },
    { path: "/sign-in", component: SignIn },
    { path: "/grid", component: GridReport, meta: { signedIn: true } },
    { path: "/users", component: Users, meta: { signedIn: true } },
    { path: "/review", component: Review, meta: { signedIn: true } },
    { path: "/completeness", component: Completeness, meta: { signedIn: true } },
    { path: "/county", component: CountyCharts, meta: { signedIn: true } },
    { path: "/flag-map", component: FlagMap, meta: { signedIn: true } },
  ],
});

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession();
  if (to.meta.signedIn && !session.user) return { path: "/sign-in", query: { next: to.fullPath } };
  return true;
});
