/** What {@link panelPage} wraps: the panel's title and its markup. */
export interface PanelPageParts {
  /** The page's `<title>` (the panel's `title` in plugin.json); escaped here. */
  title: string;
  /** The markup inside `<body>`, as the author wrote it (no inline script or style: the panel's CSP refuses them). */
  body: string;
}

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A panel's HTML page: the shell every panel shares — doctype, `lang="en"`, UTF-8, the title, and
 * the panel's bundles beside the page (`./panel.css`, `./panel.js` deferred: `npm run build:panel`
 * writes them; the panel CSP loads scripts and styles from the panel's own origin only) — around `body`.
 */
export function panelPage(p: PanelPageParts): string {
  const body = p.body.endsWith('\n') ? p.body : `${p.body}\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeText(p.title)}</title>
<link rel="stylesheet" href="./panel.css">
<script src="./panel.js" defer></script>
</head>
<body>
${body}</body>
</html>
`;
}
