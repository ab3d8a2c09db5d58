"""The only Streamlit glue: widgets bound to the URL, accessibility, the process-wide server hazards, the replay
player, the lesson and class-board panels and the live view's stream route."""
