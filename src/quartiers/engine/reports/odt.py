"""A minimal OpenDocument text (.odt) written by hand: headings, paragraphs and tables with a
header row, enough for a report the team edits in LibreOffice or Word. No dependency: a zip
with the manifest, the content and the styles, as the OpenDocument 1.3 standard describes."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.text"
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"')
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
# (name, display name, outline level, paragraph properties, text properties)
PARAGRAPH_STYLES = (
    ("Standard", "", 0, 'fo:margin-bottom="0.15cm"', ""),
    ("Title", "", 0, "", 'fo:font-size="18pt" fo:font-weight="bold"'),
    ("Heading_20_1", "Heading 1", 1, 'fo:margin-top="0.5cm" fo:margin-bottom="0.2cm"',
     'fo:font-size="15pt" fo:font-weight="bold" fo:color="#b3262e"'),
    ("Heading_20_2", "Heading 2", 2, 'fo:margin-top="0.4cm" fo:margin-bottom="0.15cm"',
     'fo:font-size="12.5pt" fo:font-weight="bold"'),
    ("Heading_20_3", "Heading 3", 3, 'fo:margin-top="0.3cm"',
     'fo:font-size="11pt" fo:font-weight="bold"'),
    ("Table_20_Heading", "Table Heading", 0, "", 'fo:font-weight="bold" fo:font-size="9pt"'),
    ("Table_20_Contents", "Table Contents", 0, "", 'fo:font-size="9pt"'),
    ("Caption", "", 0, "", 'fo:font-style="italic" fo:font-size="9pt"'),
)


def _style(name: str, display: str, outline: int, paragraph: str, text: str) -> str:
    attributes = f'style:name="{name}" style:family="paragraph"'
    attributes += f' style:display-name="{display}"' if display else ""
    attributes += f' style:default-outline-level="{outline}"' if outline else ""
    inner = (f"<style:paragraph-properties {paragraph}/>" if paragraph else "") + (
        f"<style:text-properties {text}/>" if text else "")
    return f"<style:style {attributes}>{inner}</style:style>"


STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:styles>'
          '<style:default-style style:family="paragraph"><style:text-properties '
          'fo:font-size="10pt" fo:language="fr" fo:country="FR"/></style:default-style>'
          + "".join(_style(*s) for s in PARAGRAPH_STYLES)
          + "</office:styles></office:document-styles>")
CELL_STYLE = ('<style:style style:name="cell" style:family="table-cell">'
              '<style:table-cell-properties fo:border="0.5pt solid #9aa5b1" fo:padding="0.06cm"/>'
              '</style:style>')
HEADINGS = {"h1": 1, "h2": 2, "h3": 3}


def _paragraph(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{escape(str(text))}</text:p>'


def _table(number: int, caption: str, headers: list[str], rows: list[list[str]]) -> str:
    width = max([len(headers), *(len(r) for r in rows)])
    cell = '<table:table-cell table:style-name="cell" office:value-type="string">{}</table:table-cell>'
    head = "".join(cell.format(_paragraph(h, "Table_20_Heading")) for h in headers)
    body = "".join("<table:table-row>" + "".join(
        cell.format(_paragraph(value, "Table_20_Contents")) for value in row) + "</table:table-row>"
        for row in rows)
    return (_paragraph(caption, "Caption")
            + f'<table:table table:name="Tableau{number}">'
            f'<table:table-column table:number-columns-repeated="{width}"/>'
            f"<table:table-header-rows><table:table-row>{head}</table:table-row>"
            f"</table:table-header-rows>{body}</table:table>")


def odt_document(title: str, blocks: list[tuple]) -> bytes:
    """``blocks``: ("title", text), ("h1"|"h2"|"h3", text), ("p", text),
    ("table", caption, headers, rows)."""
    parts, tables = [], 0
    for block in blocks:
        kind = block[0]
        if kind == "title":
            parts.append(_paragraph(block[1], "Title"))
        elif kind in HEADINGS:
            level = HEADINGS[kind]
            parts.append(f'<text:h text:style-name="Heading_20_{level}" '
                         f'text:outline-level="{level}">{escape(block[1])}</text:h>')
        elif kind == "p":
            parts.append(_paragraph(block[1]))
        elif kind == "table":
            tables += 1
            parts.append(_table(tables, *block[1:]))
        else:
            raise ValueError(f"bloc inconnu : {kind}")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
               f"<office:automatic-styles>{CELL_STYLE}</office:automatic-styles>"
               f'<office:body><office:text>{"".join(parts)}</office:text></office:body>'
               "</office:document-content>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NS}><office:meta>'
            f"<dc:title>{escape(title)}</dc:title><dc:language>fr-FR</dc:language>"
            "<meta:generator>Quartiers</meta:generator></office:meta></office:document-meta>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # the mimetype first and stored, as readers check it
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", STYLES),
                           ("meta.xml", meta), ("META-INF/manifest.xml", MANIFEST)):
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
