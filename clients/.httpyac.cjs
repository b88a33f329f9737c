// httpyac configuration for sigmagpt.http, so that one file runs in both VS Code REST Client and
// httpyac (its CLI and its VS Code extension load this file; REST Client ignores it).
//
// 1. REST Client request variables, `{{login.response.body.$.accessToken}}`: httpyac keeps a named
//    response's parsed body under the request's name, so the JSONPath is read from there.
//    A response header, `{{v1Stored.response.headers.X-Chat-Id}}` (REST Client's syntax too), is
//    read from the named response httpyac keeps as `<name>Response`. `….headers.Link.cursor` is the
//    cursor of a `Link: <…&cursor=…>; rel="next"` header: httpyac's only (REST Client reads a whole
//    header, never a part of one; there, copy the cursor from the Link of that response).
// 2. Assertions written as comments, `# ?? status == 201`: REST Client drops comment lines, and
//    httpyac's own `??` lines would otherwise be sent by REST Client as part of the body. The
//    comment is handed to httpyac's built-in assertion parser without its `#`.

const REQUEST_VARIABLE =
  /\{\{\s*([A-Za-z_$][\w$]*)\.response\.body\.\$((?:\.[\w$]+|\[\d+\])*)\s*\}\}/g;
const HEADER_VARIABLE =
  /\{\{\s*([A-Za-z_$][\w$]*)\.response\.headers\.([A-Za-z0-9-]+?)(\.cursor)?\s*\}\}/g;
const COMMENTED_ASSERT = /^\s*#\s*(\?\?.*)$/;

function readHeader(response, name) {
  const headers = response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The cursor of a `Link: <…?…&cursor=…>; rel="next"` header. */
function linkCursor(link) {
  const next = /<([^>]*)>\s*;\s*rel="?next"?/.exec(link ?? '');
  const cursor = next && /[?&]cursor=([^&]+)/.exec(next[1]);
  return cursor ? decodeURIComponent(cursor[1]) : undefined;
}

function readPath(value, path) {
  for (const [, key, index] of path.matchAll(/\.([\w$]+)|\[(\d+)\]/g)) {
    if (value === undefined || value === null) return undefined;
    value = value[key ?? Number(index)];
  }
  return value;
}

module.exports = {
  configureHooks(api) {
    api.hooks.replaceVariable.addHook(
      'restClientRequestVariables',
      (text, _type, context) => {
        if (typeof text !== 'string') return text;
        return text
          .replace(REQUEST_VARIABLE, (match, name, path) => {
            const body = context.variables[name];
            if (body === undefined)
              throw new Error(`${match}: send the request named ${name} first`);
            const value = readPath(typeof body === 'string' ? JSON.parse(body) : body, path);
            if (value === undefined) throw new Error(`${match}: no such value in that response`);
            return typeof value === 'string' ? value : JSON.stringify(value);
          })
          .replace(HEADER_VARIABLE, (match, name, header, cursor) => {
            const response = context.variables[`${name}Response`];
            if (response === undefined)
              throw new Error(`${match}: send the request named ${name} first`);
            const value = readHeader(response, header);
            const result = cursor ? linkCursor(value) : value;
            if (result === undefined) throw new Error(`${match}: no such value in that response`);
            return String(result);
          });
      },
      { before: ['name'] },
    );

    const builtInAssert = api.hooks.parse.items.find((item) => item.id === 'assert');
    if (!builtInAssert) throw new Error('this httpyac version has no assertion parser');
    api.hooks.parse.addHook(
      'commentedAssert',
      (getLines, context) => {
        const next = getLines().next();
        if (next.done || !next.value.textLine) return false;
        const match = COMMENTED_ASSERT.exec(next.value.textLine);
        if (!match) return false;
        const line = { ...next.value, textLine: match[1] };
        return builtInAssert.action(() => [line][Symbol.iterator](), context);
      },
      { before: ['assert', 'meta', 'comment'] },
    );
  },
};
