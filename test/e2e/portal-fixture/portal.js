// The Microsoft PAM sample portal's calls, reproduced for a browser test. The API base comes from
// ?api=..., as the portal's GlobalConfig.pamRespApiUrl. Every function returns a promise that resolves
// (never rejects) with what jQuery handed to the success or the error callback.
(function () {
  var base = new URLSearchParams(location.search).get('api') || '';
  $('#api').text(base);

  function log(line, failed) {
    $('<div>').text(line).toggleClass('fail', !!failed).appendTo('#log');
  }

  // GETs carry dataType 'json'; the POSTs carry none, so jQuery picks the parser from Content-Type.
  function call(label, settings) {
    settings.url = base + settings.url;
    settings.xhrFields = { withCredentials: true };
    return new Promise(function (resolve) {
      settings.success = function (data, textStatus, xhr) {
        log(label + ' -> ' + xhr.status);
        resolve({ ok: true, status: xhr.status, data: data === undefined ? null : data,
                  contentType: xhr.getResponseHeader('Content-Type') });
      };
      settings.error = function (xhr, textStatus, thrown) {
        var message = null;
        try { message = xhr.responseJSON['odata.error'].message.value; } catch (e) { /* no OData body */ }
        log(label + ' -> ' + xhr.status + ' ' + textStatus + (message ? ': ' + message : ''), true);
        resolve({ ok: false, status: xhr.status, textStatus: textStatus, thrown: String(thrown || ''), message: message });
      };
      $.ajax(settings);
    });
  }

  function get(path) { return call('GET ' + path, { url: path, type: 'GET', dataType: 'json' }); }
  function post(path, data) { return call('POST ' + path, { url: path, type: 'POST', data: data }); }

  function create(roleId, ttl, justification, requestedTime) {
    return post('pamrequests', { Justification: justification || '', RoleId: roleId, RequestedTTL: ttl, RequestedTime: requestedTime || '' });
  }

  window.portal = {
    roles: function () { return get('pamroles'); },
    // The Activate page: roles plus each active role's ExpirationTime ('' when not active).
    rolesWithExpiry: function () {
      var filter = "?$filter=ExpirationTime gt datetime'" + new Date().toISOString() + "'";
      return Promise.all([get('pamroles'), get('pamrequests' + filter)]).then(function (r) {
        if (!r[0].ok || !r[1].ok) return { ok: false, roles: r[0], active: r[1] };
        var expiry = {};
        r[1].data.value.forEach(function (q) { expiry[q.RoleId] = q.ExpirationTime; });
        var roles = r[0].data.value.map(function (role) {
          return $.extend({}, role, { ExpirationTime: expiry[role.RoleId] === undefined ? '' : expiry[role.RoleId] });
        });
        return { ok: true, roles: roles };
      });
    },
    // The View History page: requests created in [from, to].
    history: function (from, to) {
      return get("pamrequests?$filter=CreationTime gt datetime'" + new Date(from).toISOString() + "'" +
                 " and CreationTime lt datetime'" + new Date(to).toISOString() + "'");
    },
    create: create,
    deactivate: function (roleId, justification) { return create(roleId, 0, justification, ''); },
    close: function (requestId) { return post("pamrequests(guid'" + requestId + "')/Close"); },
    approvals: function () { return get('pamrequeststoapprove'); },
    approve: function (approvalObjectId) { return post("pamrequeststoapprove(guid'" + approvalObjectId + "')/Approve"); },
    reject: function (approvalObjectId) { return post("pamrequeststoapprove(guid'" + approvalObjectId + "')/Reject"); },
    session: function () {
      return get('sessioninfo/').then(function (r) {
        if (r.ok) $('#user').text(r.data.value[0].Username);
        return r;
      });
    },
  };
})();
