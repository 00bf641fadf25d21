import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "./servers.js";

/** PEM files for a test TLS server: a throwaway CA and a server certificate for 127.0.0.1. */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA certificate, for clients to trust. */
  readonly ca: string;
}

/** Makes a CA and a server certificate (SAN IP:127.0.0.1) with the openssl CLI, valid for two days. */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const file = (name: string) => path.join(dir, name);
  const key = ["-newkey", "rsa:2048", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...key,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=cachegen test CA",
  ]);
  await run("openssl", [
    "req",
    ...key,
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await writeFile(file("san.ext"), "subjectAltName=IP:127.0.0.1\n");
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("server.crt"),
    "-days",
    "2",
    "-extfile",
    file("san.ext"),
  ]);
  return {
    caFile: file("ca.crt"),
    certFile: file("server.crt"),
    keyFile: file("server.key"),
    ca: await readFile(file("ca.crt"), "utf8"),
  };
}
