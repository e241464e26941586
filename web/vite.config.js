// Built into the Python package that serves it (not committed: scripts/install builds it).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  plugins: [vue()],
  base: "/",
  build: {
    outDir: fileURLToPath(new URL("../dashboard/wuyi_dashboard/app", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // No inline scripts or module-preload polyfill: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
