/**
 * The console's look for the pages the server renders itself (OAuth login and consent): the same colours as the
 * console's theme (web/src/theme.ts), a card on a light background, the console's buttons and focus ring.
 */
export const BRAND = {
  primary: '#1c4e80',
  primaryHover: '#16466f',
  focus: '#4480ce',
  background: '#f4f6f9',
  text: '#1b1f24',
  dimmed: '#5c6670',
  error: '#c92a2a',
} as const;

export const PAGE_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:${BRAND.background};color:${BRAND.text};margin:0;padding:3rem 1rem}
main{max-width:24rem;margin:0 auto;background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.05)}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:650;margin-bottom:1rem;color:${BRAND.primary}}
h1{font-size:1.35rem;margin:.2rem 0 .4rem}p{color:${BRAND.dimmed};font-size:.95rem}
label{display:block;margin:.9rem 0 .3rem;font-weight:600;font-size:.9rem}
input{width:100%;padding:.55rem .7rem;font-size:1rem;box-sizing:border-box;border:1px solid #ced4da;border-radius:8px}
button{margin-top:1.1rem;padding:.55rem 1.2rem;font-size:.95rem;font-weight:600;margin-right:.5rem;border-radius:8px;border:1px solid #ced4da;background:#fff;color:${BRAND.text};cursor:pointer}
button[value=allow],button[type=submit]:only-of-type,button.primary{background:${BRAND.primary};border-color:${BRAND.primary};color:#fff}
button[value=allow]:hover,button.primary:hover{background:${BRAND.primaryHover}}
button:focus-visible,input:focus-visible{outline:3px solid ${BRAND.focus};outline-offset:2px}
.error{color:${BRAND.error};background:#fff5f5;border:1px solid #ffc9c9;border-radius:8px;padding:.6rem .8rem}
ul.scopes{padding-left:1.1rem}ul.scopes li{margin:.35rem 0}
`;

export const BRAND_MARK = `<div class="brand"><svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="${BRAND.primary}"/><path d="M8 11l8-4 8 4v10l-8 4-8-4z M8 11l8 4 8-4M16 15v10" fill="none" stroke="#fff" stroke-width="2.2" stroke-linejoin="round"/></svg>Quartermaster</div>`;
