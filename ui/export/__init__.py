"""Tệp → Xuất Word / Xuất Excel."""
