import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const css = readFileSync(new URL('./paved.css', import.meta.url), 'utf8');
const cssHash = createHash('sha256').update(css).digest('hex').slice(0, 10);

/** The stylesheet, served under a content-hashed path so browsers may cache it for good. */
export const stylesheet = { path: `/assets/paved-${cssHash}.css`, body: css };

/** A small favicon, so browsers do not ask for one that is not there. */
export const favicon = {
  path: '/assets/favicon.svg',
  body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5cad"/><path d="M3 11h10v2H3zM3 7h10v2H3zM3 3h10v2H3z" fill="#fff"/></svg>',
};
