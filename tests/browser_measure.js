// What tests/test_epub_browser.py asserts about one EPUB content document, read from the
// browser's computed styles and layout once the document's fonts are ready. Run by Selenium's
// execute_async_script: the callback is the last argument. Boxes are CSS pixels in the viewport.
const done = arguments[arguments.length - 1];
const OPS = "http://www.idpf.org/2007/ops";
const XML = "http://www.w3.org/XML/1998/namespace";

const types = el => (el.getAttributeNS(OPS, "type") || "").split(/\s+/).filter(Boolean);
const typed = type => [...document.querySelectorAll("*")].filter(el => types(el).includes(type));
const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height});
const textBox = el => { const range = document.createRange(); range.selectNodeContents(el); return box(range.getBoundingClientRect()); };
const describe = el => `<${el.localName}${el.id ? " id=" + el.id : ""}${el.getAttribute("class") ? " class=" + el.getAttribute("class") : ""}> ` +
  (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 70);
const pseudo = (el, which) => {
  const s = getComputedStyle(el, which);
  return {content: s.content, fontStyle: s.fontStyle, display: s.display, visibility: s.visibility,
          color: s.color, opacity: s.opacity};
};
const countRules = rules => [...rules].reduce((n, rule) => n + 1 + (rule.cssRules ? countRules(rule.cssRules) : 0), 0);
const heading = el => (el.matches("h1, h2, h3, h4, h5, h6") ? el : el.querySelector("h1, h2, h3, h4, h5, h6"));

function collect() {
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; };
  const elements = [...document.body.querySelectorAll("*")].filter(shown);
  const bodyStyle = getComputedStyle(document.body);
  return {
    url: location.href,
    title: document.title,
    lang: root.getAttribute("lang"),
    xmlLang: root.getAttributeNS(XML, "lang"),
    viewport: viewport,
    innerWidth: innerWidth,
    scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
    wider: elements.filter(el => { const r = el.getBoundingClientRect(); return r.right > viewport + 0.5 || r.left < -0.5; })
                   .map(describe).slice(0, 10),
    body: {hyphens: bodyStyle.hyphens, overflowWrap: bodyStyle.overflowWrap, fontFamily: bodyStyle.fontFamily},
    fonts: [...document.fonts].map(f => ({family: f.family, style: f.style, status: f.status})),
    sheets: [...document.styleSheets].map(sheet => ({href: sheet.href, rules: countRules(sheet.cssRules)})),
    personas: typed("z3998:persona").map(el => {
      const s = getComputedStyle(el);
      return {what: describe(el), fontVariantCaps: s.fontVariantCaps, fontStyle: s.fontStyle};
    }),
    speeches: [...document.querySelectorAll("tr")]
      .filter(tr => tr.cells.length === 2 && types(tr.cells[0]).includes("z3998:persona"))
      .map(tr => ({what: describe(tr), persona: box(tr.cells[0].getBoundingClientRect()),
                   personaText: textBox(tr.cells[0]), textAlign: getComputedStyle(tr.cells[0]).textAlign,
                   words: box(tr.cells[1].getBoundingClientRect())})),
    directions: typed("z3998:stage-direction").map(el => ({
      what: describe(el), fontStyle: getComputedStyle(el).fontStyle,
      before: pseudo(el, "::before"), after: pseudo(el, "::after")})),
    personae: typed("z3998:dramatis-personae").map(section => ({
      what: describe(section), box: box(section.getBoundingClientRect()),
      lists: [...section.querySelectorAll("ul, ol")].map(list => getComputedStyle(list).listStyleType),
      items: [...section.querySelectorAll("li")].map(li => ({
        what: describe(li), listStyleType: getComputedStyle(li).listStyleType, text: textBox(li)}))})),
    headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown).map(h => ({
      what: describe(h), scene: types(h.parentElement).includes("z3998:scene"),
      textAlign: getComputedStyle(h).textAlign, box: box(h.getBoundingClientRect()), text: textBox(h)})),
    images: [...document.images].map(img => ({
      what: img.getAttribute("src"), box: box(img.getBoundingClientRect()), loaded: img.complete && img.naturalWidth > 0})),
    links: [...document.querySelectorAll("a[href]")].map(a => ({
      href: a.href, text: a.textContent.trim().replace(/\s+/g, " "), types: types(a)})),
    targets: Object.fromEntries([...document.querySelectorAll("[id]")].map(el => [el.id, {
      types: types(el), label: el.getAttribute("aria-label"),
      heading: (heading(el)?.textContent || "").trim().replace(/\s+/g, " ")}])),
    types: [...new Set([...document.querySelectorAll("*")].flatMap(types))],
    firstHeading: (document.querySelector("h1, h2, h3")?.textContent || "").trim().replace(/\s+/g, " "),
  };
}

document.fonts.ready.then(() => done(collect()), error => done({error: String(error)}));
