// Starts Blazor and says so in plain words when the live connection cannot be opened. A file, not inline script,
// so the Content-Security-Policy (script-src 'self') allows it. blazor.web.js is loaded with autostart="false".
(function () {
    'use strict';

    function showFailure() {
        var notice = document.getElementById('live-connection-failed');
        if (notice) {
            notice.hidden = false;
        }
    }

    // Reload links reload the page where it is (the href is the page's address, for a browser without script).
    document.addEventListener('click', function (e) {
        var link = e.target && e.target.closest ? e.target.closest('a.live-reload') : null;
        if (link) {
            e.preventDefault();
            location.reload();
        }
    });

    // blazor.web.js shows nothing when the connection's negotiation fails (it shows #blazor-error-ui for other
    // failures), so the connection's own start is wrapped: a failure to open it shows the notice.
    // Only the first opening: a reconnection's failures are the reconnect notice's to show.
    var everOpened = false;

    function watchConnection(builder) {
        var build = builder.build.bind(builder);
        builder.build = function () {
            var connection = build();
            var start = connection.start.bind(connection);
            connection.start = function () {
                return start().then(function (result) {
                    everOpened = true;
                    return result;
                }, function (error) {
                    if (!everOpened) {
                        showFailure();
                    }
                    throw error;
                });
            };
            return connection;
        };
    }

    // Before the connection opens, Blazor fetches its start-up files from the same path (_blazor/initializers); when
    // that fails it rejects a promise nobody handles. Any such failure before the connection opened is the start failing.
    window.addEventListener('unhandledrejection', function () {
        if (!everOpened) {
            showFailure();
        }
    });

    if (!window.Blazor) {
        showFailure();
        return;
    }

    window.Blazor.start({ circuit: { configureSignalR: watchConnection } }).catch(showFailure);
})();
