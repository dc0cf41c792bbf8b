"""The touch UI (Kivy). The only package that imports Kivy; screens are thin and call the
services the app hands them."""
