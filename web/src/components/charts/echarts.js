// Apache ECharts, tree-shaken: only the charts and components our pages use are bundled.
// ECharts draws on a canvas and needs no eval, so it runs under the CSP (script-src 'self').
import * as echarts from "echarts/core";
import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";
import county from "./demo-county.json";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  LabelLayout,
  CanvasRenderer,
]);

// The offline base of the 插旗分布图: a schematic outline committed in the repository (no tiles).
export const BASE_MAP = "wuyi-county";
echarts.registerMap(BASE_MAP, county);
export const baseMapName = county.name;

export { echarts };
