"""The sidebar's list of pages, in the page's language (Streamlit's own list names pages by their file names, in
English: "playground", "Gradient descent"…, so ``.streamlit/config.toml`` hides it). Each link keeps ``lang=``."""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import i18n
from i18n import N_, _

PAGES = (("playground.py", N_("Home"), ":material/home:"),
         ("pages/1_Gradient_descent.py", N_("Gradient descent"), ":material/trending_down:"),
         ("pages/2_Adagrad.py", N_("Adagrad"), ":material/tune:"),
         ("pages/3_MLP_training.py", N_("MLP training"), ":material/hub:"),
         ("pages/4_Class_board.py", N_("Class board"), ":material/groups:"))


def sidebar() -> None:
    keep = {} if i18n.language() == i18n.DEFAULT else {"lang": i18n.language()}
    with st.sidebar.container(key="gp_pages"):
        for path, label, icon in PAGES:
            try:
                st.page_link(path, label=_(label), icon=icon, query_params=keep)
            except StreamlitPageNotFoundError:  # a page run alone (AppTest) knows no other page
                return
