import { createRouter, createWebHashHistory } from "vue-router";
import PublicLists from "./pages/PublicLists.vue";
import SignIn from "./pages/SignIn.vue";
import GridReport from "./pages/GridReport.vue";
import Users from "./pages/Users.vue";
import Review from "./pages/Review.vue";
import Complaints from "./pages/township/Complaints.vue";
import Quota from "./pages/township/Quota.vue";
import Campaigns from "./pages/county/Campaigns.vue";
import Evaluation from "./pages/county/Evaluation.vue";
import Notices from "./pages/county/Notices.vue";
import Titles from "./pages/county/Titles.vue";
import Completeness from "./pages/charts/Completeness.vue";
import CountyCharts from "./pages/charts/CountyCharts.vue";
import FlagMap from "./pages/charts/FlagMap.vue";
import PublicNotices from "./pages/records/PublicNotices.vue";
import EntityHistory from "./pages/records/EntityHistory.vue";
import AuditView from "./pages/records/AuditView.vue";
import Exports from "./pages/records/Exports.vue";
import Applicant from "./pages/applicant/Applicant.vue";
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
    // township reviewer: complaints to verify, quota status
    { path: "/complaints", component: Complaints, meta: { signedIn: true } },
    { path: "/quota", component: Quota, meta: { signedIn: true } },
    // county: campaign set-up (admin); evaluation, public notices, titles (evaluators)
    { path: "/county/campaigns", component: Campaigns, meta: { signedIn: true } },
    { path: "/county/evaluation", component: Evaluation, meta: { signedIn: true } },
    { path: "/county/notices", component: Notices, meta: { signedIn: true } },
    { path: "/county/titles", component: Titles, meta: { signedIn: true } },
    { path: "/completeness", component: Completeness, meta: { signedIn: true } },
    { path: "/county", component: CountyCharts, meta: { signedIn: true } },
    { path: "/flag-map", component: FlagMap, meta: { signedIn: true } },
    // records: public notices with objections, public history, audit view, exports
    { path: "/public/notices", component: PublicNotices },
    { path: "/public/entities/:id", component: EntityHistory },
    { path: "/audit/:entityId?", component: AuditView, meta: { signedIn: true } },
    { path: "/exports", component: Exports, meta: { signedIn: true } },
    // applicant (entity admin): applications, self-assessment, resubmission, rectification
    { path: "/applicant", component: Applicant, meta: { signedIn: true } },
  ],
});

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession();
  if (to.meta.signedIn && !session.user) return { path: "/sign-in", query: { next: to.fullPath } };
  return true;
});
