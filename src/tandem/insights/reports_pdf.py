"""HTML to PDF for the program report, with WeasyPrint (HTML + CSS + inline SVG; Debian's pango
underneath). Nothing is fetched from outside: the template carries its CSS and its charts inline,
and the URL fetcher refuses every URL but ``data:`` ones. Chinese needs a CJK font installed on the
machine (Debian's fonts-wqy-zenhei, see scripts/ensure-pdf); WeasyPrint embeds the glyphs it uses.

WeasyPrint is imported on first use: a worker that never renders a PDF never loads it, and a
machine without pango answers the report with a clear 503 instead of failing at start-up."""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("tandem.insights.pdf")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (pango) cannot be loaded here."""


def load_weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango / gobject libraries are missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def _fetcher_class(weasyprint):
    class LocalOnlyFetcher(weasyprint.urls.URLFetcher):
        """Refuses every URL except inline ``data:`` ones: a report never calls out."""

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                logger.warning("PDF report: refused to fetch %s", url[:200])
                raise ValueError(f"the PDF report fetches nothing: {url[:200]}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


_local = threading.local()


def _font_config(weasyprint):
    """One font configuration per thread, reused by every report it renders: building pango's font
    map for each document was ~15 % of the rendering (the report declares no @font-face, so nothing
    of one document stays in it for the next; pango's objects are not shared across threads)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = weasyprint.text.fonts.FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    weasyprint = load_weasyprint()
    fetcher = _fetcher_class(weasyprint)(allowed_protocols=("data",), allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=_font_config(weasyprint))
