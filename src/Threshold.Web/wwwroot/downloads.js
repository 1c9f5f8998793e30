// Downloads of the dashboard: text files (CSV) made on the server and charts drawn by Plotly, saved by the browser.
// A file, not inline script, so the Content-Security-Policy (script-src 'self') allows it.
window.thresholdDownloads = {
    // Saves text as a file through a temporary object URL (no data: URL length limit).
    saveText: function (fileName, contentType, text) {
        const url = URL.createObjectURL(new Blob([text], { type: contentType }));
        const link = document.createElement('a');
        link.href = url;
        link.download = fileName;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    },
    // Saves a Plotly chart as PNG or SVG as it is drawn, with its label annotation; false when the chart is not drawn.
    saveChart: function (chartId, format, fileName) {
        const chart = document.getElementById(chartId);
        if (!chart || !window.Plotly || !chart.data) {
            return false;
        }
        window.Plotly.downloadImage(chart, { format: format, filename: fileName, width: chart.offsetWidth || 1200, height: chart.offsetHeight || 500 });
        return true;
    }
};
