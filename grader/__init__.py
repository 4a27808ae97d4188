"""Calificador del curso (ver instructores.md)."""
