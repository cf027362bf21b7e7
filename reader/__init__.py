"""The annotated reader: a static site generator for annotated news articles.

Pipeline: load -> validate -> link -> render -> write (see DESIGN.md §7).
"""
