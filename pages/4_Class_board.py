"""Class board: a teacher makes a board for one lab; the class's runs arrive here, as a table and as the lab's
own picture (``board_panel``; the data and the rules in ``board``)."""
import streamlit as st

from app import a11y, board_panel, language, widgets
from i18n import _

language.choose()
st.set_page_config(page_title=_("Class board · Gradient Playground"), page_icon=":material/groups:", layout="wide")
a11y.page_style()
language.selector()
widgets.show_notices()
st.title(_("Class board"))
if "board" in st.query_params:
    board_panel.show(st.query_params.get("board"), st.query_params.get(board_panel.SECRET_KEY))
else:
    board_panel.create_form()
