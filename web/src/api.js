// The services' HTTP API with the session cookie (HttpOnly: scripts never see the token).
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message_en || `HTTP ${status}`);
    this.status = status;
    this.field = e.field || null;
    this.messageZh = e.message_zh || `请求失败（${status}）`;
    this.messageEn = e.message_en || `request failed (${status})`;
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
