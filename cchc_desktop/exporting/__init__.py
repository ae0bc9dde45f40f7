"""Exports: the Word report and appendix, the Excel appendix, charts, the USB package."""
