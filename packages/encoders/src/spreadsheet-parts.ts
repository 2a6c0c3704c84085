/** The fixed parts of a minimal SpreadsheetML package, and the per-sheet XML around the rows. */

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** cellXfs indexes in styles.xml. */
export const STYLE = { date: 1, datetime: 2, time: 3, header: 4 } as const;

const FIXED_FORMATS = ['yyyy-mm-dd', 'yyyy-mm-dd hh:mm:ss', 'hh:mm:ss'];
const FIRST_CUSTOM_FORMAT = 164;
const FIRST_EXTRA_STYLE = 5;

/**
 * styles.xml for one export: the fixed styles (STYLE) and one more per number format the columns
 * ask for (a decimal's scale, a date-time's fractional seconds), each added once.
 */
export function createStyleBook(): { styleFor(formatCode: string): number; xml(): string } {
  const extra: string[] = [];
  return {
    styleFor(formatCode) {
      const known = extra.indexOf(formatCode);
      if (known >= 0) return FIRST_EXTRA_STYLE + known;
      extra.push(formatCode);
      return FIRST_EXTRA_STYLE + extra.length - 1;
    },
    xml() {
      const formats = [...FIXED_FORMATS, ...extra];
      const numFmts = formats.map((code, i) => `<numFmt numFmtId="${FIRST_CUSTOM_FORMAT + i}" formatCode="${code}"/>`);
      const xf = (numFmtId: number) =>
        `<xf numFmtId="${numFmtId}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`;
      const extraXfs = extra.map((_, i) => xf(FIRST_CUSTOM_FORMAT + FIXED_FORMATS.length + i));
      return (
        XML_HEAD +
        `<styleSheet xmlns="${MAIN_NS}">` +
        `<numFmts count="${formats.length}">${numFmts.join('')}</numFmts>` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        `<cellXfs count="${FIRST_EXTRA_STYLE + extra.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
        xf(164) +
        xf(165) +
        xf(166) +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        extraXfs.join('') +
        '</cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
      );
    },
  };
}

export const ROOT_RELS_XML =
  XML_HEAD +
  `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" ` +
  `Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

export function contentTypesXml(sheets: number): string {
  const overrides = Array.from(
    { length: sheets },
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ` +
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
  ).join('');
  return (
    XML_HEAD +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    overrides +
    '</Types>'
  );
}

export function workbookXml(sheets: number, lastColumn: string): string {
  const list = Array.from(
    { length: sheets },
    (_, i) => `<sheet name="Sheet${i + 1}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
  );
  // Excel keeps each sheet's autofilter range as a hidden defined name.
  const names = Array.from(
    { length: sheets },
    (_, i) =>
      `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">Sheet${i + 1}!$A$1:$${lastColumn}$1</definedName>`,
  );
  return (
    XML_HEAD +
    `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews>` +
    `<sheets>${list.join('')}</sheets><definedNames>${names.join('')}</definedNames></workbook>`
  );
}

export function workbookRelsXml(sheets: number): string {
  const rels = Array.from(
    { length: sheets },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  rels.push(`<Relationship Id="rId${sheets + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>`);
  return XML_HEAD + `<Relationships xmlns="${PKG_REL_NS}">${rels.join('')}</Relationships>`;
}

/** Everything before the first row: a frozen header, column widths. */
export function sheetStartXml(widths: readonly number[]): string {
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  return (
    XML_HEAD +
    `<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>`
  );
}

export function sheetEndXml(lastColumn: string): string {
  return `</sheetData><autoFilter ref="A1:${lastColumn}1"/></worksheet>`;
}

/** A, B, …, Z, AA, AB, … for a zero-based column index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

// XML 1.0 cannot carry these characters at all: they are dropped (as exceljs did before us).
// eslint-disable-next-line no-control-regex -- these are exactly the characters to find
const XML_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * What escapeXml (and ByteWriter#bytesEscapingXml, on bytes) writes for each special character.
 * Only element text is escaped here, never an attribute, so `"` stays as it is, as XlsxWriter,
 * openpyxl and Excel itself write it: `&quot;` made each quote of a JSON cell six bytes.
 */
export const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text for an element's content (a cell's `<t>`), never for an attribute value. */
export function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  // eslint-disable-next-line no-control-regex -- as above
  return text.replace(/[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (ch) => XML_ENTITIES[ch] ?? '');
}
