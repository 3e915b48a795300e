// The backward player's controls. The player is plain HTML, one frame after another
// (each a picture and its caption), so that it reads where scripts never run; where
// they do, this shows one frame at a time with previous/next buttons, a slider and
// the arrow keys. stepthrough.py calls it with the player's root element.
function gradstepPlayer(root) {
  if (!root || root.dataset.ready) return;
  root.dataset.ready = '1';
  var steps = Array.prototype.slice.call(root.querySelectorAll('.gs-step'));
  var bar = document.createElement('div');
  bar.style.cssText = 'display:flex;gap:8px;align-items:center;margin:4px 0';
  bar.innerHTML = '<button type="button" data-go="-1">&#9664; previous</button>' +
    '<input type="range" min="0" max="' + (steps.length - 1) + '" value="0" ' +
    'style="flex:1" aria-label="frame">' +
    '<button type="button" data-go="1">next &#9654;</button>' +
    '<span style="min-width:7em"></span>';
  root.insertBefore(bar, root.firstChild);
  var hint = root.querySelector('.gs-hint');
  if (hint) hint.remove();
  var slider = bar.querySelector('input'), counter = bar.querySelector('span');
  steps.forEach(function(s) {
    if (s.tagName !== 'DETAILS') return;
    s.open = true;
    s.querySelector('summary').style.display = 'none';
  });
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function(s, k) {
      s.style.display = k === current ? 'block' : 'none';
    });
    slider.value = current;
    counter.textContent = 'frame ' + (current + 1) + ' of ' + steps.length;
  }
  bar.querySelectorAll('button').forEach(function(b) {
    b.addEventListener('click', function() { show(current + parseInt(b.dataset.go)); });
  });
  slider.addEventListener('input', function() { show(parseInt(slider.value)); });
  root.tabIndex = 0;
  root.addEventListener('keydown', function(e) {
    if (e.key === 'ArrowRight') show(current + 1);
    if (e.key === 'ArrowLeft') show(current - 1);
  });
  show(0);
}
