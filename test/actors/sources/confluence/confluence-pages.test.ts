import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../../src/actors/pipeline/chunk-markdown.ts';
import { countTokens } from '../../../../src/actors/pipeline/count-tokens.ts';
import { parseMarkdown } from '../../../../src/actors/pipeline/parse-markdown.ts';
import { storageToMarkdown } from '../../../../src/actors/sources/confluence/confluence-storage-to-markdown.ts';
import { parseStorage, textOf } from '../../../../src/actors/sources/confluence/confluence-storage-tree.ts';

const page = (name: string) => storageToMarkdown(readFileSync(new URL(`../../../fixtures/confluence-pages/${name}.xml`, import.meta.url), 'utf8'));
const PAGES = ['deploiement-fr', 'betriebshandbuch-de', 'guia-es'];

describe('Confluence pages with accented text and macros', () => {
  it('decodes every entity, named and numeric, and leaves none behind', () => {
    for (const name of PAGES) expect(page(name)).not.toMatch(/&(#x?[0-9a-f]+|[a-z][a-z0-9]*);/i);
    const fr = page('deploiement-fr');
    expect(fr).toContain('# Procédure de déploiement');
    expect(fr).toContain('Prévenez l’équipe d’astreinte… et vérifiez le Calendrier des gels.');
    expect(fr).toContain('Révisé par Anaïs Lefèvre le 3 février 2025 © Équipe Plateforme.');
    const de = page('betriebshandbuch-de');
    expect(de).toContain('Zahlungen in € und CHF. Für Störungen');
    expect(de).toContain('Jürgen Meißner (Team „Kasse“)');
    expect(page('guia-es')).toContain('¡Bienvenido! ¿Primera vez aquí? Configure el señalizador según la tabla…');
  });

  it('keeps the code macro body verbatim: CDATA is never entity-decoded or re-escaped', () => {
    expect(page('deploiement-fr')).toContain(
      '```bash\n#!/usr/bin/env bash\n# Déploie la version donnée ; s\'arrête à la première erreur\nset -euo pipefail\nif [[ "$#" -lt 1 ]] && [[ -z "${VERSION:-}" ]]; then echo "usage: $0 <version>" >&2; exit 1; fi\n',
    );
    expect(page('betriebshandbuch-de')).toContain('```\nERROR PaymentGateway - Zeitüberschreitung nach 30000 ms (<acquirer> antwortet nicht) & Wiederholung 3/3\n```');
  });

  it('renders panels, tasks, status and jira macros, emoji and the three kinds of ac:link', () => {
    const fr = page('deploiement-fr');
    expect(fr).toContain('> **Info: À lire avant de commencer**\n>\n> Prévenez');
    expect(fr).toContain('> **Warning: Retour arrière**');
    expect(fr).toContain('- [x] Geler les fusions sur `main`\n- [ ] Lancer la migration — durée estimée : 5 min');
    expect(fr).toContain('Statut : Validé');
    expect(fr).toContain('  - demandés via le [portail d\'accès](https://support.example.fr/acces)');
    expect(fr).toContain('voir runbook-files.pdf');
    expect(fr).not.toContain('maxLevel');
    const de = page('betriebshandbuch-de');
    expect(de).toContain('Siehe PAY-1024 für den Zeitüberschreitungsfehler. \u26a0\ufe0f Nicht neu starten');
    expect(de).toContain('laut Änderungsprozess.');
    expect(de).toContain('> **Kurzübersicht**\n>\n> Status: In Betrieb');
    expect(de).toContain('2. Teamleitung\n   1. werktags 08:00–18:00\n   2. außerhalb: über die Leitstelle');
  });

  it('turns the pages into Markdown the pipeline reads back with the same structure', () => {
    const fr = parseMarkdown(page('deploiement-fr'), 'OPS/deploiement');
    expect(fr.title).toBe('Procédure de déploiement');
    expect(fr.headings).toEqual([
      { depth: 1, text: 'Procédure de déploiement' },
      { depth: 2, text: 'Prérequis' },
      { depth: 2, text: 'Étapes' },
      { depth: 2, text: 'Contrôles après déploiement' },
    ]);
    expect(fr.links).toEqual(['https://support.example.fr/acces']);
    const chunks = chunkMarkdown(page('deploiement-fr'), { maxTokens: 8191, title: fr.title });
    const table = chunks.find((c) => c.heading === 'Procédure de déploiement > Contrôles après déploiement');
    expect(table?.text).toContain('| Contrôle | Seuil attendu |\n| --- | --- |\n| Taux d’erreur HTTP 5xx | < 0,1 % |\n| Latence p99 | ≤ 250 ms |\n| Files d’attente |');
    expect(table?.retrievalText.startsWith('Procédure de déploiement > Contrôles après déploiement\n\n')).toBe(true);
    const es = parseMarkdown(page('guia-es'), 'DOC/guia');
    expect(es.links).toEqual(['https://docs.example.es/configuraci%C3%B3n?ref=wiki&v=2']);
    for (const name of PAGES) {
      for (const chunk of chunkMarkdown(page(name), { maxTokens: 64 })) expect(countTokens(chunk.retrievalText)).toBeLessThanOrEqual(64);
    }
  });
});

describe('storage tree', () => {
  it('reads namespaced elements, attributes in both quote styles and CDATA', () => {
    const root = parseStorage(`<ac:link ac:anchor='top'><ri:page ri:content-title="A &amp; B &eacute;t&eacute;"/></ac:link><![CDATA[<raw> &amp;]]>`);
    expect(root.children[0]).toMatchObject({ kind: 'element', name: 'ac:link', attrs: { 'ac:anchor': 'top' }, children: [{ name: 'ri:page', attrs: { 'ri:content-title': 'A & B été' } }] });
    expect(root.children[1]).toEqual({ kind: 'cdata', text: '<raw> &amp;' });
  });

  it('decodes every HTML5 named reference, numeric ones and legacy ones without a semicolon', () => {
    expect(textOf(parseStorage('<p>&#x41;&#66;&hellip;&eacute;&Ecirc;&ntilde;&szlig;&rarrw;&copy &unknown;</p>'))).toBe('AB…éÊñß↝© &unknown;');
  });

  it('closes unclosed paragraphs, list items and line breaks as HTML does', () => {
    const root = parseStorage('<p>one<p>two<ul><li>a<li>b</ul><p>x<br>y</p>');
    expect(root.children.map((c) => (c.kind === 'element' ? c.name : c.kind))).toEqual(['p', 'p', 'ul', 'p']);
    const list = root.children[2];
    expect(list.kind === 'element' && list.children.map(textOf)).toEqual(['a', 'b']);
  });
});
