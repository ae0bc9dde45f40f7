"""The application around the data: start, the main window, the open file, welcome, one window per file."""
