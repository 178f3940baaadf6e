"""The Gradio app: layout, handlers, HTML rendering and the named API."""
