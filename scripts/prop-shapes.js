#!/usr/bin/env node
// Writes lib/core/prop-shapes.ts: the shape of every props struct of the public API, read
// from the TypeScript declarations that jsii compiles, so that props given from JavaScript,
// Python, Java or Go are checked at construct time against the same types.
//   node scripts/prop-shapes.js          write the file
//   node scripts/prop-shapes.js --check  exit 1 when the file is out of date
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'lib/core/prop-shapes.ts');

function generate() {
  const program = ts.createProgram([path.join(ROOT, 'lib/index.ts')], {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(ROOT, 'lib/index.ts'));
  const structs = new Map();
  const enums = new Map();
  const pending = [];

  const isBehavioural = (name) => /^I[A-Z]/.test(name);
  const declOf = (sym) => (sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);

  function isStruct(sym) {
    if (!(sym.flags & ts.SymbolFlags.Interface) || isBehavioural(sym.name)) return false;
    const type = checker.getDeclaredTypeOfSymbol(sym);
    return checker.getPropertiesOfType(type).every((p) => !(p.flags & ts.SymbolFlags.Method));
  }

  function enumValues(sym) {
    const values = {};
    for (const d of sym.declarations ?? []) {
      for (const m of d.members ?? []) {
        const v = checker.getConstantValue(m);
        if (v !== undefined) values[m.name.getText()] = v;
      }
    }
    return values;
  }

  function spec(type) {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'any';
    if (type.flags & ts.TypeFlags.Union) {
      const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return 'boolean';
      const enumSym = parts[0]?.symbol && parts[0].symbol.parent;
      if (parts.every((t) => t.flags & ts.TypeFlags.EnumLiteral) && type.aliasSymbol === undefined && type.symbol) return enumSpec(type.symbol);
      if (parts.every((t) => t.flags & ts.TypeFlags.EnumLiteral) && enumSym) return enumSpec(enumSym);
      if (parts.length === 1) return spec(parts[0]);
      throw new Error(`union type ${checker.typeToString(type)} in a public props struct`);
    }
    if (type.flags & ts.TypeFlags.EnumLiteral) return enumSpec(type.symbol.flags & ts.SymbolFlags.EnumMember ? type.symbol.parent : type.symbol);
    if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return 'string';
    if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
    if (checker.isArrayType(type)) return `${spec(checker.getTypeArguments(type)[0])}[]`;
    const sym = type.aliasSymbol ?? type.symbol;
    if (sym && sym.flags & ts.SymbolFlags.Class) return `class:${sym.name}`;
    if (sym && sym.flags & ts.SymbolFlags.Interface) {
      if (isStruct(sym)) {
        if (!structs.has(sym.name)) { structs.set(sym.name, null); pending.push(sym); }
        return `struct:${sym.name}`;
      }
      return `object:${sym.name}`;
    }
    const mapOf = type.getStringIndexType();
    if (mapOf && checker.getPropertiesOfType(type).length === 0) return `{${spec(mapOf)}}`;
    if (sym && sym.name === 'Date') return 'class:Date';
    if (type.flags & ts.TypeFlags.Object) return 'any';
    throw new Error(`cannot describe type ${checker.typeToString(type)}`);
  }

  function enumSpec(sym) {
    if (!enums.has(sym.name)) enums.set(sym.name, enumValues(sym));
    return `enum:${sym.name}`;
  }

  function describe(sym) {
    const type = checker.getDeclaredTypeOfSymbol(sym);
    const props = {};
    for (const p of checker.getPropertiesOfType(type)) {
      const decl = p.valueDeclaration ?? p.declarations[0];
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      const t = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, decl));
      props[p.name] = spec(t) + (optional ? '?' : '');
    }
    return props;
  }

  /** The structs a struct extends, directly or not. */
  function basesOf(sym) {
    const out = [];
    for (const d of sym.declarations ?? []) {
      for (const h of d.heritageClauses ?? []) {
        for (const t of h.types) {
          const base = checker.getTypeAtLocation(t).symbol;
          if (base && isStruct(base)) out.push(base.name, ...basesOf(base));
        }
      }
    }
    return [...new Set(out)].sort();
  }

  for (const exp of checker.getExportsOfModule(checker.getSymbolAtLocation(index))) {
    const sym = declOf(exp);
    if (isStruct(sym) && !structs.has(sym.name)) { structs.set(sym.name, null); pending.push(sym); }
  }
  const seen = new Map();
  const bases = new Map();
  while (pending.length > 0) {
    const sym = pending.shift();
    const file = sym.declarations[0].getSourceFile().fileName;
    const other = seen.get(sym.name);
    if (other !== undefined && other !== file) throw new Error(`two structs named ${sym.name}: ${other} and ${file}`);
    seen.set(sym.name, file);
    structs.set(sym.name, describe(sym));
    const b = basesOf(sym);
    if (b.length > 0) bases.set(sym.name, b);
  }

  const sorted = (m) => Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const lines = [
    '// Generated by scripts/prop-shapes.js from the public TypeScript declarations; do not edit.',
    '// Regenerate with `node scripts/prop-shapes.js` after changing a props struct (a test fails',
    '// while this file is out of date).',
    '//',
    '// A type is `string`, `number`, `boolean`, `any`, `<type>[]` (a list), `{<type>}` (a map with',
    '// string keys), `struct:<Name>` (a props struct below), `class:<Name>` (an instance of the',
    '// class), `object:<Name>` (an object implementing the interface) or `enum:<Name>`; a trailing',
    '// `?` marks an optional prop.',
    '',
    '/** Props structs: prop name to type. */',
    `export const STRUCT_SHAPES: { readonly [struct: string]: { readonly [prop: string]: string } } = ${JSON.stringify(sorted(structs), null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:').replace(/"/g, '\'')};`,
    '',
    '/** The structs each struct extends, directly or through another. */',
    `export const STRUCT_BASES: { readonly [struct: string]: readonly string[] } = ${JSON.stringify(sorted(bases), null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:').replace(/"/g, '\'')};`,
    '',
    '/** Enums: member name to value. */',
    `export const ENUM_VALUES: { readonly [name: string]: { readonly [member: string]: string | number } } = ${JSON.stringify(sorted(enums), null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:').replace(/"/g, '\'')};`,
    '',
  ];
  return lines.join('\n');
}

module.exports = { generate };

if (require.main === module) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      console.error('lib/core/prop-shapes.ts is out of date: run node scripts/prop-shapes.js');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(OUT, text);
  }
}
