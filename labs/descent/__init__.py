"""The gradient-descent lab without streamlit: its limits, settings table and lesson answers; what its page
prints (format, words, stretches, questions, cobweb), the runs behind it (runs, ranges), its charts and replays."""
