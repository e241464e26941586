"""Documents a county office posts and files: XLSX sheets, PDFs with an embedded Chinese font
(see ``fonts.py`` for where the font comes from and why fpdf2)."""
