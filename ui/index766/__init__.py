"""The Chỉ số phục vụ (QĐ 766) tab."""
