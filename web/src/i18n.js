// One message catalogue per language; zh-CN is the default, the choice is remembered.
import { createI18n } from "vue-i18n";
import zhCN from "./locales/zh-CN.json";
import en from "./locales/en.json";

const saved = sessionStorage.getItem("wuyi.locale");
export const i18n = createI18n({
  legacy: false,
  locale: saved === "en" ? "en" : "zh-CN",
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN, en },
});

document.documentElement.lang = i18n.global.locale.value; // a remembered choice, at start too

export function setLocale(locale) {
  i18n.global.locale.value = locale;
  sessionStorage.setItem("wuyi.locale", locale);
  document.documentElement.lang = locale;
}

/** An API error shown under the field it names: without the leading "field：" the API puts
 * before messages that stand alone (the field's label is right above it). */
export function fieldMessage(error) {
  const text = apiMessage(error);
  const field = error.field || "";
  for (const sep of ["：", ": "]) if (field && text.startsWith(field + sep)) return text.slice(field.length + sep.length);
  return text;
}

/** An API error in the current language (the API sends both). */
export function apiMessage(error) {
  return i18n.global.locale.value === "en" ? error.messageEn : error.messageZh;
}
