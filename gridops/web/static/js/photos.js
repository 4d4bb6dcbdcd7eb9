/* Scale a camera photo down on the phone before it is sent: at most 1600 px, JPEG.
   Drawing on a canvas also drops EXIF (GPS included); the server strips it again anyway. */
(function (global) {
  "use strict";
  var MAX_SIDE = 1600;
  var QUALITY = 0.85;

  function decode(file) {
    if (global.createImageBitmap) {
      return global.createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  /* Resolve to a JPEG Blob of at most MAX_SIDE px; the original file if it cannot be read
     here (the server then decides, and refuses a non-image with a readable message). */
  function scalePhoto(file, maxSide) {
    maxSide = maxSide || MAX_SIDE;
    return decode(file).then(function (image) {
      var w = image.width, h = image.height;
      var ratio = Math.min(1, maxSide / Math.max(w, h));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) { image.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  global.GridPhotos = { scalePhoto: scalePhoto, MAX_SIDE: MAX_SIDE };
})(window);
