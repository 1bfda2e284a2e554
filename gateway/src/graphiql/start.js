// GraphiQL for analysts, from the graphiql npm package served by the gateway itself. The token
// is kept in this page's memory only, and sent as the Authorization header of each request.
(function () {
  var tokenField = document.getElementById('token');
  var fetcher = function (params, options) {
    var headers = Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, (options && options.headers) || {});
    var token = tokenField.value.trim().replace(/^Bearer\s+/i, '');
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(window.location.pathname, { method: 'POST', headers: headers, body: JSON.stringify(params) }).then(function (response) {
      return response.json();
    });
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var render = function () {
    // Without a token every request is refused: ask for one first.
    if (!tokenField.value.trim()) {
      root.render(React.createElement('p', { style: { padding: '0 12px' } }, 'Paste an analyst token above to load the schema and run queries.'));
      return;
    }
    // A new key remounts GraphiQL, so it loads the schema again with the token just entered.
    root.render(React.createElement(GraphiQL, { key: tokenField.value, fetcher: fetcher, defaultEditorToolbarOpen: false, isHeadersEditorEnabled: false }));
  };
  tokenField.addEventListener('change', render);
  render();
})();
