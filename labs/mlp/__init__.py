"""The MLP-training lab's settings table and lesson answers (no streamlit)."""
