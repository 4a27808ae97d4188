// Ecuaciones en bloque que no caben en su columna (p. ej. en un teléfono): se reduce su
// tamaño de letra lo justo para que quepan, en vez de cortarlas o de obligar a
// desplazarse de lado. Las fórmulas ya vienen renderizadas con KaTeX desde la construcción.
//
// Sin frenar la carga: se mide cuando el navegador YA calculó la disposición de la página
// (tras dibujar un cuadro), primero todas las medidas y después todos los cambios. Medir
// antes, o intercalar medidas y cambios, le obligaría a recalcularla entera (en una página
// larga, miles de nodos de fórmulas y código: cientos de milisegundos en un teléfono).
(function () {
  "use strict";
  var ESCALA_MINIMA = 0.5;

  // Ancho natural (a tamaño 1) del contenido dibujado de la fórmula, en píxeles.
  function anchoNatural(k) {
    var html = k.querySelector(".katex-html") || k;
    var rango = document.createRange();
    rango.selectNodeContents(html);
    // El rango mide lo dibujado; scrollWidth, la caja de la fórmula (con sus márgenes
    // internos): se toma el mayor, para que quepa según las dos medidas.
    var ancho = Math.max(rango.getBoundingClientRect().width, k.scrollWidth);
    return ancho / (parseFloat(k.style.fontSize) || 1);
  }

  function escala(caja, natural) {
    if (!(caja > 0) || natural <= caja) return "";
    return Math.max(ESCALA_MINIMA, Math.floor((caja / natural) * 100) / 100) + "em";
  }

  // Primero se leen todas las medidas; después se escriben los tamaños.
  function ajustar(bloques) {
    var cambios = bloques.map(function (d) {
      var k = d.querySelector(":scope > .katex");
      return k ? [k, escala(d.clientWidth, anchoNatural(k))] : null;
    });
    cambios.forEach(function (c) {
      if (c && c[0].style.fontSize !== c[1]) c[0].style.fontSize = c[1];
    });
  }

  function bloques() {
    return Array.prototype.slice.call(document.querySelectorAll(".katex-display"));
  }

  // Ajusta todas ya (lo usa también la prueba en navegador antes de medir).
  window.ajustarEcuaciones = function () { ajustar(bloques()); };

  // Se mide justo DESPUÉS de que el navegador dibuje un cuadro: la disposición ya está
  // calculada y leerla no cuesta nada. Solo cambian (y se vuelven a disponer) las pocas
  // ecuaciones que no caben.
  function trasDibujar() {
    requestAnimationFrame(function () { setTimeout(window.ajustarEcuaciones, 0); });
  }
  if (document.readyState === "complete") trasDibujar();
  else window.addEventListener("load", trasDibujar);
  // Al llegar las fuentes de KaTeX cambian los anchos; al girar el teléfono, la columna.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(trasDibujar);
  // Una ecuación dentro de un desplegable cerrado no tiene ancho hasta que se abre.
  document.addEventListener("toggle", trasDibujar, true);
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".toggle-button, summary, .dropdown")) trasDibujar();
  }, true);
  var ancho = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === ancho) return;
    ancho = window.innerWidth;
    trasDibujar();
  });
})();
