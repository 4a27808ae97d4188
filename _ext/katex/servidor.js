// Renderiza fórmulas con KaTeX en el momento de construir el libro (lo usa _ext/matematicas.py).
// Lee una petición JSON por línea: {"tex": "...", "display": true|false}
// y responde una línea JSON: {"html": "..."} o {"error": "mensaje de KaTeX"}.
"use strict";
const path = require("path");
const readline = require("readline");
const katex = require(path.join(__dirname, "katex.min.js"));

const OPCIONES = {
  throwOnError: true,      // una fórmula que KaTeX no entiende es un error, no texto rojo en la página
  strict: "ignore",        // acentos en \text{…} y otros usos que KaTeX solo avisa
  output: "htmlAndMathml", // MathML oculto para lectores de pantalla
  trust: false,
};

const entrada = readline.createInterface({ input: process.stdin, terminal: false });
entrada.on("line", (linea) => {
  let respuesta;
  try {
    const { tex, display } = JSON.parse(linea);
    respuesta = { html: katex.renderToString(tex, { ...OPCIONES, displayMode: !!display }) };
  } catch (e) {
    respuesta = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(respuesta) + "\n");
});
