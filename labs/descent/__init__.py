"""The gradient-descent lab's settings table and lesson answers (no streamlit)."""
