"""The Biểu đồ tab."""
