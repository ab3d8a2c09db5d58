"""Gradient Playground's numpy library: everything that computes. Never imports streamlit."""
