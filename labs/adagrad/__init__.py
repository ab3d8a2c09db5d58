"""The Adagrad lab's settings table and lesson answers (no streamlit)."""
