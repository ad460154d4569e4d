// Uploaded SVG is only ever rasterised, never served as SVG. Before librsvg sees it, everything that could run,
// fetch or expand is removed. It is parsed as XML with namespaces, as librsvg reads it: a link is judged by the
// namespace of its attribute, not by how it is spelt, so `xmlns:q="…/1999/xlink"` with `q:href` is still xlink:href.
import { DOMParser, XMLSerializer, type Attr, type Element, type Node } from '@xmldom/xmldom';

const XLINK = 'http://www.w3.org/1999/xlink';
const XML = 'http://www.w3.org/XML/1998/namespace';
const XMLNS = 'http://www.w3.org/2000/xmlns/';
// Whatever namespace they are put in: librsvg renders none of them, a browser would run or load them.
const BLOCKED_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'audio', 'video', 'handler', 'listener']);
// Links may point inside the document (#id) or carry an inline raster image; nothing else.
const SAFE_LINK = /^\s*(#|data:image\/(png|jpe?g|gif|webp);base64,)/i;
const LINK_NAMES = new Set(['href', 'src']);
const CSS_URL = /url\(\s*(['"]?)(?!\s*#)[^)]*\)/gi;
const CSS_IMPORT = /@import[^;]*;?/gi;
// CSS escapes can spell url( and @import in ways no pattern keeps up with (`\75rl(`); such CSS is dropped whole.
const CSS_ESCAPE = /\\/;

export class UnreadableSvg extends Error {}

/** Returns the SVG without scripts, event handlers, external links or style imports; throws UnreadableSvg if it is not XML. */
export function sanitiseSvg(source: string): string {
  let document;
  try {
    // Broken markup is refused (xmldom throws on it) rather than guessed at; lesser slips (an undeclared entity stays as text) pass.
    document = new DOMParser({ onError: () => {} }).parseFromString(source, 'image/svg+xml');
  } catch (error) {
    throw new UnreadableSvg(error instanceof Error ? error.message : String(error));
  }
  if (!document.documentElement) throw new UnreadableSvg('no root element');
  cleanChildren(document);
  return new XMLSerializer().serializeToString(document);
}

function cleanChildren(parent: Node): void {
  for (let node = parent.firstChild; node; ) {
    const next = node.nextSibling;
    // The doctype (and with it every entity) and processing instructions (xml-stylesheet) go; the XML declaration is not a node.
    if (node.nodeType === node.DOCUMENT_TYPE_NODE || node.nodeType === node.PROCESSING_INSTRUCTION_NODE) {
      parent.removeChild(node);
    } else if (node.nodeType === node.ELEMENT_NODE) {
      const element = node as Element;
      if (BLOCKED_ELEMENTS.has((element.localName ?? element.nodeName).toLowerCase())) parent.removeChild(element);
      else cleanElement(element);
    }
    node = next;
  }
}

function cleanElement(element: Element): void {
  for (const attribute of Array.from(element.attributes) as Attr[]) {
    if (!keepAttribute(attribute)) element.removeAttributeNode(attribute);
    else if (/url\(|@import/i.test(attribute.value)) attribute.value = cleanCss(attribute.value);
  }
  if ((element.localName ?? '').toLowerCase() === 'style') {
    const css = cleanCss(element.textContent ?? '');
    while (element.firstChild) element.removeChild(element.firstChild);
    if (css && element.ownerDocument) element.appendChild(element.ownerDocument.createTextNode(css));
    return;
  }
  cleanChildren(element);
}

function keepAttribute(attribute: Attr): boolean {
  const name = (attribute.localName ?? attribute.name).toLowerCase();
  if (name.startsWith('on')) return false;
  if (attribute.namespaceURI === XML && name === 'base') return false;
  // A link in the xlink namespace or none (href, src), or in any other namespace (a renderer may read it as a link).
  if (LINK_NAMES.has(name)) return SAFE_LINK.test(attribute.value);
  // Every other xlink attribute (title, show, actuate, role…) only describes links; none is needed to render.
  if (attribute.namespaceURI === XLINK) return false;
  // Style and presentation attributes are CSS to librsvg.
  if (CSS_ESCAPE.test(attribute.value) && attribute.namespaceURI !== XMLNS) return false;
  return true;
}

/** CSS with no external url() and no @import; empty when escapes make it unreadable to a pattern. */
function cleanCss(css: string): string {
  if (CSS_ESCAPE.test(css)) return '';
  return css.replace(CSS_IMPORT, '').replace(CSS_URL, 'none');
}
