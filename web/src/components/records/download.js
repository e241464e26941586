// Downloads a document from the API with the session cookie. Fetched (not a plain link) so
// that an error (a 403, the missing-font 503) is shown in the page's language, not saved.
import { ApiError } from "../../api.js";

function filenameOf(disposition) {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = /filename="([^"]+)"/i.exec(disposition || "");
  return plain ? plain[1] : "export";
}

export async function download(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (!response.ok) {
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    throw new ApiError(response.status, body);
  }
  const blob = await response.blob();
  const name = filenameOf(response.headers.get("Content-Disposition"));
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}
