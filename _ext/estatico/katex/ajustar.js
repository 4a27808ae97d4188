// Ecuaciones en bloque que no caben en su columna (p. ej. en un teléfono): se reduce su
// tamaño de letra lo justo para que quepan, en vez de cortarlas o de obligar a
// desplazarse de lado. Las fórmulas ya vienen renderizadas con KaTeX desde la construcción.
// Para no frenar la carga, primero se ajustan las que están a la vista (o cerca) y el
// resto en los ratos libres del navegador, en tandas cortas.
(function () {
  "use strict";
  var pendientes = new Set();

  function ajustar(k) {
    pendientes.delete(k);
    k.style.fontSize = "";
    var caja = k.parentElement.clientWidth;
    var ancho = k.scrollWidth;
    if (caja > 0 && ancho > caja) {
      k.style.fontSize = Math.max(0.5, Math.floor((caja / ancho) * 100) / 100) + "em";
    }
  }

  function enRatosLibres() {
    var libre = window.requestIdleCallback || function (f) {
      return setTimeout(function () { f({ timeRemaining: function () { return 8; } }); }, 50);
    };
    libre(function (plazo) {
      var iter = pendientes.values();
      while (pendientes.size && plazo.timeRemaining() > 4) ajustar(iter.next().value);
      if (pendientes.size) enRatosLibres();
    });
  }

  function todas() {
    document.querySelectorAll(".katex-display > .katex").forEach(function (k) { pendientes.add(k); });
  }

  function iniciar() {
    todas();
    if ("IntersectionObserver" in window) {
      var vista = new IntersectionObserver(function (entradas) {
        entradas.forEach(function (e) {
          if (e.isIntersecting && pendientes.has(e.target)) ajustar(e.target);
        });
      }, { rootMargin: "300px 0px" });
      pendientes.forEach(function (k) { vista.observe(k); });
    }
    enRatosLibres();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", iniciar);
  else iniciar();
  // Ajusta todas ya (lo usa también la prueba en navegador antes de medir).
  window.ajustarEcuaciones = function () {
    todas();
    document.querySelectorAll(".katex-display > .katex").forEach(ajustar);
  };
  // Al cambiar el ancho (girar el teléfono) o al llegar las fuentes, se revisan todas otra vez.
  var ancho = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === ancho) return;
    ancho = window.innerWidth;
    window.ajustarEcuaciones();
  });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { todas(); enRatosLibres(); });
})();
