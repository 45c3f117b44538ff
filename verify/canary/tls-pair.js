// A self-signed certificate for shop.example.com and its private key (EC P-256, made for these
// tests only, guarding nothing): a kubernetes.io/tls Secret the API server accepts without a warning.
'use strict';
module.exports = {
  cert: "-----BEGIN CERTIFICATE-----\nMIIBjjCCATOgAwIBAgIUAssiJfioJNiSjbqU4EQFML3gU88wCgYIKoZIzj0EAwIw\nGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTAgFw0yNjExMzAwMTUxMDZaGA8y\nMTI2MTEwNjAxNTEwNlowGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTBZMBMG\nByqGSM49AgEGCCqGSM49AwEHA0IABIPgkMZenmjqU7uTeUuh3wCmNaFEtbujj7zH\nx+wIPmXP6wQx67DIJt/MCo6HuebswM0nxnMtoz+/9mZ2aI4GABqjUzBRMB0GA1Ud\nDgQWBBRoRq6uWi2HkxT+huur1DXWb21/wDAfBgNVHSMEGDAWgBRoRq6uWi2HkxT+\nhuur1DXWb21/wDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDE\nTsUubRnOh690VPpfCizMQXsoKVrKpyZyg+6GLyk8MAIhAN8yojDaiiM7VN8CJV5T\nlmVDZcbgkW2wtPV6KcY+dJAV\n-----END CERTIFICATE-----\n",
  key: "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJCrMMlQ9s9HaIh1G\ndyQXwqVtT3Vnuf+aaOdolewmQx+hRANCAASD4JDGXp5o6lO7k3lLod8ApjWhRLW7\no4+8x8fsCD5lz+sEMeuwyCbfzAqOh7nm7MDNJ8ZzLaM/v/ZmdmiOBgAa\n-----END PRIVATE KEY-----\n",
};
