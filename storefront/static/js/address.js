// Progressive enhancement for the address pickers: when the province changes, fetch its
// communes as JSON and fill the commune list. Without JavaScript the "Show communes" button
// reloads the form with the list filled on the server.
(function () {
  var script = document.currentScript;
  var province = document.getElementById("province_code");
  var commune = document.getElementById("commune_code");
  if (!script || !province || !commune) return;
  var urlTemplate = script.dataset.communesUrl;
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  var shippingUrl = script.dataset.shippingUrl;
  // The summary's shipping per producer and grand total follow the chosen province.
  function updateTotals() {
    if (!shippingUrl || !province.value) return;
    fetch(shippingUrl.replace("/00.json", "/" + province.value + ".json"))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (quote) {
        if (!quote) return;
        quote.groups.forEach(function (group) {
          var cell = document.querySelector('[data-shipping-for="' + group.producer_id + '"]');
          if (cell) cell.textContent = group.shipping;
        });
        var shipping = document.querySelector("[data-shipping-total]");
        if (shipping) shipping.textContent = quote.shipping;
        var total = document.querySelector("[data-grand-total]");
        if (total) total.textContent = quote.total;
      });
  }
  province.addEventListener("change", function () {
    updateTotals();
    commune.innerHTML = "";
    var first = document.createElement("option");
    first.value = "";
    first.textContent = script.dataset.choose;
    commune.appendChild(first);
    if (!province.value) return;
    fetch(urlTemplate.replace("/00.json", "/" + province.value + ".json"))
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        items.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.code;
          option.textContent = item.name;
          commune.appendChild(option);
        });
      });
  });
})();
