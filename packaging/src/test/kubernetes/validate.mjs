// Validates Kubernetes manifests against the Kubernetes API's schemas, offline, as strictly as
// 'kubectl apply' with its default server-side field validation: every document's apiVersion and kind
// must be a known API type; its fields are checked against the OpenAPI schema of that type (types,
// required fields, enums, int-or-string: kubernetes-models' validators, compiled from the API's
// schemas), and a field the type does not have is an error (the API's own type map, as the official
// JavaScript client generates it). Prints one line per problem; exit 0 when every file is valid.
//
// usage: node validate.mjs FILE.yaml...
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import * as client from '@kubernetes/client-node';

const problems = [];

async function modelOf(apiVersion, kind) {
    try {
        const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
        return module[kind];
    } catch {
        return undefined;
    }
}

// "apps/v1" + "Deployment" -> V1Deployment; "policy/v1" + "PodDisruptionBudget" -> V1PodDisruptionBudget
function typeName(apiVersion, kind) {
    const version = apiVersion.split('/').pop();
    return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

// Fields that the type of this value does not have, recursively.
function unknownFields(value, type, path) {
    if (value === null || value === undefined) return;
    let m = /^Array<(.+)>$/.exec(type);
    if (m) {
        if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, m[1], `${path}[${i}]`));
        return;
    }
    m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (m) {
        if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, m[1], `${path}.${k}`);
        return;
    }
    const cls = client[type];
    if (!cls || !Array.isArray(cls.attributeTypeMap) || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, v] of Object.entries(value)) {
        const attribute = cls.attributeTypeMap.find(a => a.baseName === key);
        if (!attribute) {
            problems.push(`${path}: unknown field "${key}" (${type} has ${cls.attributeTypeMap.map(a => a.baseName).join(', ')})`);
        } else {
            unknownFields(v, attribute.type, `${path}.${key}`);
        }
    }
}

for (const file of process.argv.slice(2)) {
    let documents;
    try {
        documents = yaml.loadAll(readFileSync(file, 'utf8')).filter(d => d !== null && d !== undefined);
    } catch (e) {
        problems.push(`${file}: not YAML: ${e.message}`);
        continue;
    }
    if (documents.length === 0) problems.push(`${file}: no document`);
    for (const [i, doc] of documents.entries()) {
        const where = `${file}#${i + 1} ${doc?.kind ?? '?'}/${doc?.metadata?.name ?? '?'}`;
        if (typeof doc !== 'object' || !doc.apiVersion || !doc.kind) {
            problems.push(`${where}: no apiVersion and kind`);
            continue;
        }
        // known to both: kubernetes-models keeps API versions long removed (policy/v1beta1), the client
        // has those of the Kubernetes version it was generated for
        const Model = await modelOf(doc.apiVersion, doc.kind);
        if (!Model || !client[typeName(doc.apiVersion, doc.kind)]) {
            problems.push(`${where}: ${doc.apiVersion} ${doc.kind} is not a type of the Kubernetes API (of the client's version)`);
            continue;
        }
        try {
            new Model(doc).validate();
        } catch (e) {
            problems.push(`${where}: ${e.message}`);
        }
        unknownFields(doc, typeName(doc.apiVersion, doc.kind), where);
    }
}
for (const p of problems) console.log(p);
console.log(problems.length === 0 ? 'valid' : `${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
